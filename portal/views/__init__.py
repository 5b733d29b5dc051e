"""Views of the applicant portal (/me/): thin, each validating a form, calling one service and
showing its outcome. Reads go through the apps' selectors; anything not the person's own is 404.
"""
