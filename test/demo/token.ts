// Prints a bearer token for the demo's APIs, signed with the demo secret (AUTH_JWT_SECRET):
//   node --import tsx test/demo/token.ts centre.command centre.command
//   node --import tsx test/demo/token.ts dept.sanitation.jiefang
// Arguments: the department (`dept` claim), then roles. Valid for one hour.
import { signToken } from '@yiwang/platform';

const [department = 'centre.command', ...roles] = process.argv.slice(2);
const secret = process.env.AUTH_JWT_SECRET;
if (!secret) {
  console.error('AUTH_JWT_SECRET is required (npm start prints the demo secret)');
  process.exit(2);
}
signToken({ subject: `demo.${department}`, department, roles }, { secret }).then(
  (t) => console.log(t),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
