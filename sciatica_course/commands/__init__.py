"""Subcommands of ``sciatica-course`` (see ``sciatica_course.cli.COMMAND_MODULES``)."""


def load_or_report(data_dir):
    """The course from ``data_dir`` (None: the course's own data), or None after printing every problem
    (``file:line: field: message``) to stderr, for a command to return 1."""
    import sys

    from ..loading import DataError, load_course

    try:
        return load_course(data_dir)
    except DataError as e:
        print(e, file=sys.stderr)
        return None
