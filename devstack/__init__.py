"""The local stack: Firestore, then the Firebase emulators for Auth, Functions and Hosting."""
