// Starts GraphiQL against this server's /graphql, with the reset mutations as the first example.
(function () {
  const fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
  const defaultQuery = [
    '# Magento password reset, imitated by mock-server.',
    '# Outcomes on demand: a Headers entry',
    '#   {"X-Mock-Scenario": "locked"}',
    '# or an address like locked@scenario.test',
    'mutation RequestReset($email: String!) {',
    '  requestPasswordResetEmail(email: $email)',
    '}',
    '',
  ].join('\n');
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery,
      defaultVariableEditorOpen: true,
      variables: JSON.stringify({ email: 'roni_cost@example.com' }, null, 2),
      isHeadersEditorEnabled: true,
    }),
  );
})();
