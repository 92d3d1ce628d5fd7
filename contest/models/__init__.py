from .challenge import Challenge
from .contest import Contest, ContestRole, Group, Stage, Track
from .entry import Entry, EntryFile
from .organisation import Organisation
from .team import Invitation, Team, TeamMember
from .user import User

__all__ = [
    "Challenge",
    "Contest",
    "ContestRole",
    "Entry",
    "EntryFile",
    "Group",
    "Invitation",
    "Organisation",
    "Stage",
    "Team",
    "TeamMember",
    "Track",
    "User",
]
