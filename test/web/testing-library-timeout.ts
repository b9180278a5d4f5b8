/**
 * Testing Library's findBy queries and waitFor give up after 1 s by default; on a loaded 2-core
 * CI machine a page that renders after two fake API round trips can take longer. Imported by
 * every file that renders the app.
 */
import { configure } from "@testing-library/react";

configure({ asyncUtilTimeout: 5_000 });
