from .challenge import Challenge
from .challenge_question import ChallengeQuestion
from .contest import Contest, ContestRole, Group, Stage, Track
from .entry import Entry, EntryFile
from .organisation import Organisation
from .publisher_application import PublisherApplication
from .team import Invitation, Team, TeamMember
from .user import User

__all__ = [
    "Challenge",
    "ChallengeQuestion",
    "Contest",
    "ContestRole",
    "Entry",
    "EntryFile",
    "Group",
    "Invitation",
    "Organisation",
    "PublisherApplication",
    "Stage",
    "Team",
    "TeamMember",
    "Track",
    "User",
]
