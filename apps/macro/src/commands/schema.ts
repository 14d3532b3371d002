import { ssotJsonSchema } from "@macro/ssot";
import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";

export default macroCommand({
  meta: { name: "schema", description: "Print the SSOT's JSON Schema (editors use it to complete macro.yaml)" },
  args: {},
  run({ data }) {
    ioFrom(data).stdout.write(`${JSON.stringify(ssotJsonSchema(), null, 2)}\n`);
    return 0;
  },
});
