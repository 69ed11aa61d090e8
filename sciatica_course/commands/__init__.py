"""Subcommands of ``sciatica-course`` (see ``sciatica_course.cli.COMMAND_MODULES``)."""
