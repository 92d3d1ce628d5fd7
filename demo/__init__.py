"""The demo data set: `manage.py seed_demo` builds it, `manage.py demo_logins` prints its logins.

The app sits above contest, judging and awards and builds everything through their services; no
other app imports it.
"""
