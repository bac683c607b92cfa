// The fixture storefront's account forms: each submits one GraphQL mutation and shows the answer.
const params = new URLSearchParams(location.search);
const endpoint = params.get('graphql');
const namespace = params.get('ns');
let customerToken = null;

async function graphql(query, variables) {
  const headers = { 'Content-Type': 'application/json' };
  if (namespace) headers['X-Mock-Namespace'] = namespace;
  if (customerToken) headers.Authorization = `Bearer ${customerToken}`;
  const response = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const answer = await response.json();
  if (answer.errors) throw new Error(answer.errors[0].message);
  return answer.data;
}

function show(id, text, failed) {
  const output = document.getElementById(id);
  output.textContent = text;
  output.className = failed ? 'error' : '';
}

function on(formId, resultId, action) {
  const form = document.getElementById(formId);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    show(resultId, '…');
    try {
      show(resultId, await action(Object.fromEntries(new FormData(form))));
    } catch (error) {
      show(resultId, error.message, true);
    }
  });
}

on('sign-up', 'sign-up-result', async (input) => {
  const data = await graphql(
    'mutation($input: CustomerCreateInput!) { createCustomerV2(input: $input) { customer { firstname email } } }',
    { input },
  );
  return `Welcome, ${data.createCustomerV2.customer.firstname}!`;
});

on('sign-in', 'sign-in-result', async ({ email, password }) => {
  customerToken = null;
  const data = await graphql(
    'mutation($email: String!, $password: String!) { generateCustomerToken(email: $email, password: $password) { token } }',
    { email, password },
  );
  customerToken = data.generateCustomerToken.token;
  const { customer } = await graphql('{ customer { email } }');
  document.getElementById('who').textContent = customer.email;
  return `Signed in as ${customer.email}`;
});

on('forgot', 'forgot-result', async ({ email }) => {
  await graphql('mutation($email: String!) { requestPasswordResetEmail(email: $email) }', { email });
  return `If there is an account associated with ${email} you will receive an email with a link to reset your password.`;
});

on('change', 'change-result', async ({ current, next }) => {
  const data = await graphql(
    'mutation($current: String!, $next: String!) { changeCustomerPassword(currentPassword: $current, newPassword: $next) { email } }',
    { current, next },
  );
  return `Password changed for ${data.changeCustomerPassword.email}`;
});
