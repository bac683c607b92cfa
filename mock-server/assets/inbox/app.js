// The QA inbox page.
