// Runtime configuration: which Firebase project to use and, locally, where the Auth emulator is.
//
// 1. /hearth-config.json: the local stack (devstack/stack.py) maps it to a file it writes at start,
//    {"firebase": {...}, "authEmulatorUrl": "http://127.0.0.1:<port>"}.
// 2. /__/firebase/init.json: what Firebase Hosting serves in production for the deployed project.
// 3. The demo project, for the emulators on firebase.json's default ports.
//
// googleSignIn shows "Continue with Google": with the Auth emulator it signs in a fake Google
// account; in production it is off unless /hearth-config.json turns it on (it needs the CSP
// to allow apis.google.com, see web/README.md).
const DEMO = {
  firebase: { projectId: "demo-hearth", apiKey: "demo-api-key", authDomain: "demo-hearth.firebaseapp.com" },
  authEmulatorUrl: "http://127.0.0.1:9099",
};

async function json(url) {
  try {
    const response = await fetch(url, { cache: "no-store" });
    if (!response.ok || !(response.headers.get("content-type") || "").includes("json")) return null;
    return await response.json();
  } catch {
    return null;
  }
}

export async function loadConfig() {
  const local = await json("/hearth-config.json");
  if (local && local.firebase) return { pollMs: 15000, googleSignIn: !!local.authEmulatorUrl, ...local };
  const hosting = await json("/__/firebase/init.json");
  if (hosting && hosting.apiKey) return { firebase: hosting, authEmulatorUrl: null, pollMs: 15000, googleSignIn: false };
  return { ...DEMO, pollMs: 15000, googleSignIn: true };
}
