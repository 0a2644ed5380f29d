// Entry point, bundled by esbuild into web/dist/app.js.
import { start } from "./app.js";

start();
