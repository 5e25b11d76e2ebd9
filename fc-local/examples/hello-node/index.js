// The quickstart's Node.js function: greets whoever the event names.
exports.handler = async (event, context) => {
  const request = JSON.parse(event.toString() || "{}");
  const name = request.name || "world";
  console.log(`greeting ${name} (request ${context.requestId})`);
  return JSON.stringify({ message: `Hello, ${name}!`, runtime: "nodejs" });
};
