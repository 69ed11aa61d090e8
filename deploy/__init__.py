"""Deployment of the sciatica course for a class (JupyterHub locally, Zero to JupyterHub on Kubernetes)."""
