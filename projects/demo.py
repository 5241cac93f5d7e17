"""Demo data for the project board: the article's projects and meetings, plus samples.

Runs after ``units.demo.load`` (the registry must exist) and is safe to run again.
"""


def load(stdout):
    load_projects(stdout)
    load_meetings(stdout)


# --- Projects and needs -------------------------------------------------------------


def load_projects(stdout):
    pass


# --- Joint meetings, adoptions and renewals -------------------------------------------


def load_meetings(stdout):
    pass
