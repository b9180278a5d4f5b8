// The web app uses `keyhaven/react` exactly as an outside app would, from source.
export * from "../../src/react/index.js";
