"""Demo data for the project board: the article's projects and meetings, plus samples."""


def load(stdout):
    pass
