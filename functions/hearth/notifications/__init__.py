"""Notifications: the fan-out behind the Firestore triggers, a user's inbox, muted threads."""
