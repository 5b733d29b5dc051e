"""The bottom of the project: what every app uses, importing no app of the project."""
