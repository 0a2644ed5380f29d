"""A local Firestore emulator speaking the real google.firestore.v1.Firestore gRPC protocol."""
