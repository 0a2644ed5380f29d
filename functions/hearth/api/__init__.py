"""The HTTP boundary: the Flask app and its routes, JSON in and out, errors to status codes, the OpenAPI document."""
