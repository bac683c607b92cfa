// The graphql-yoga peer: requestPasswordResetEmail and resetPassword written the way a frontend team
// would write its own mock: an in-memory customer map, a random token per request, captured emails
// in an array. Not a Magento imitation (no key order per release, no throttle, no journal).
//
//   node bench/peers/yoga.mjs --listen 127.0.0.1:4300
//
// GET /readyz answers 200 once listening; GET /emails/count answers {"count": N} (for the
// emails == true answers check); everything else goes to Yoga at /graphql.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { createSchema, createYoga } from 'graphql-yoga';
import { GraphQLError } from 'graphql';

const listenArg = process.argv.indexOf('--listen');
const [host, port] = (listenArg > 0 ? process.argv[listenArg + 1] : '127.0.0.1:4300').split(':');
const storefront = 'http://localhost:3000/';

const customers = new Map([
  ['roni_cost@example.com', { firstname: 'Veronica', lastname: 'Costello', password: 'roni_cost3@example.com', locked: false }],
  ['locked@example.com', { firstname: 'Locked', lastname: 'Out', password: 'Password123!', locked: true }],
  ['jane.doe@example.com', { firstname: 'Jane', lastname: 'Doe', password: 'Password123!', locked: false }],
]);
const tokens = new Map(); // email -> { token, createdAt }
const emails = [];        // captured emails, newest last
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function newToken() {
  const bytes = randomBytes(32);
  let token = '';
  for (const b of bytes) token += ALNUM[b % ALNUM.length];
  return token;
}

function inputError(message) {
  return new GraphQLError(message, { extensions: { category: 'graphql-input' } });
}

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    type Query { storeConfig: String }
    type Mutation {
      requestPasswordResetEmail(email: String!): Boolean
      resetPassword(email: String!, resetPasswordToken: String!, newPassword: String!): Boolean
    }
  `,
  resolvers: {
    Mutation: {
      requestPasswordResetEmail(_, { email }) {
        if (!EMAIL.test(email)) throw inputError('The email address has an invalid format.');
        const customer = customers.get(email.toLowerCase());
        if (!customer) throw inputError("Cannot reset the customer's password");
        if (customer.locked) throw inputError('The account is locked');
        const token = newToken();
        tokens.set(email.toLowerCase(), { token, createdAt: Date.now() });
        emails.push({
          to: email,
          subject: 'Reset your Main Website Store password',
          text: `Hello ${customer.firstname} ${customer.lastname},\n\nSet a New Password: ${storefront}customer/account/createPassword/?token=${token}\n`,
          createdAt: new Date().toISOString(),
        });
        return true;
      },
      resetPassword(_, { email, resetPasswordToken, newPassword }) {
        if (!EMAIL.test(email)) throw inputError('The email address has an invalid format.');
        const customer = customers.get(email.toLowerCase());
        if (!customer) throw inputError("Cannot set the customer's password");
        if (customer.locked) throw inputError('The account is locked');
        const live = tokens.get(email.toLowerCase());
        if (!live || live.token !== resetPasswordToken) throw inputError('The password token is mismatched. Reset and try again.');
        if (newPassword.length < 8) throw inputError('The password needs at least 8 characters.');
        customer.password = newPassword;
        tokens.delete(email.toLowerCase());
        return true;
      },
    },
  },
});

const yoga = createYoga({ schema, graphqlEndpoint: '/graphql', graphiql: false, landingPage: false, logging: false });

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/readyz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  } else if (req.method === 'GET' && req.url === '/emails/count') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ count: emails.length }));
  } else {
    yoga(req, res);
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), host, () => process.stderr.write(`yoga: listening on http://${host}:${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
