"""The Gmail add-on's cards: home (intros, connection, settings), the Introduce form, one intro, compose.

Each builder takes plain data (read models from service.views, form values from web.gmail_form) and
the absolute URL button clicks are POSTed to; widgets.py holds the JSON shapes.
"""
