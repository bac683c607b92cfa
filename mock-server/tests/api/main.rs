//! mock-server over real HTTP: each test starts the server on port 0 and talks to it as a
//! storefront, a QA script or a CI job would.

mod helpers;

mod account_area;
mod account_journeys;
mod cli;
mod confirmation;
mod control_api;
mod direct_path;
mod documented_cases;
mod email_corpus;
mod fuzz;
mod inbox_api;
mod journey;
mod layers;
mod library;
mod luma_recordings;
mod mail_failures;
mod mail_oddities;
mod mailpit;
mod mailpit_chaos;
mod multi_store;
mod namespaces;
mod openapi;
mod persistence;
mod real_store;
mod recaptcha;
mod recordings;
mod release_2_4_8;
mod releases;
mod robustness;
mod scenarios;
mod served_schema;
mod sign_in;
mod smtp;
mod smtp_faults;
mod storefront;
mod stubs;
mod time_rules;
mod validation_rules;
mod webhook;
mod webonyx_input_objects;
mod webonyx_syntax;
mod webonyx_validation;
