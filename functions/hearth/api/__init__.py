"""The HTTP boundary: the Flask app and its routes (app.py), JSON in and out and errors to status codes (http.py),
every request body and query string as an input model (models.py), the OpenAPI document (openapi.py)."""
