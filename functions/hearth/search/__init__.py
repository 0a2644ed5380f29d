"""Search on Firestore alone: terms computed on write (terms.py, from text.py's plain text), queries parsed
and planned (query.py), snippets with the matched words marked (snippet.py), and the endpoint (service.py)."""
