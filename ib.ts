import { measureIntakeThroughput } from "./bench/intakeThroughput.ts";
console.log(await measureIntakeThroughput());
