"""The course on JupyterHub: ``jupyterhub_config.py`` (the class) and ``localhub`` (``make class``, ``make class-sim``)."""
