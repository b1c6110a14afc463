//! Integration tests: the real router on port 0 with a fresh database, spoken to over HTTP.
//! Run on SQLite by default; on PostgreSQL when `TEST_POSTGRES_URL` names a server where the
//! test user may create databases (the test command sets this up).

mod access;
mod accounts;
mod audit;

mod auth;
mod background;
mod bills;
mod briefs;
mod case_list;
mod case_pages;
mod city;
mod cli;
mod cluster;
mod corrections;
mod data_requests;
mod deadlines;
mod delivery;
mod events;
mod filings;
mod grouping;
mod harness;
mod hostile;
mod import;
mod interim;
mod letters;
mod links;
mod loopback;
mod meetings;
mod migration;
mod notifications;
mod offices;
mod pages;
mod plans;
mod process;
mod promises;
mod reference;
mod reports;
mod resolutions;
mod search;
mod security;
mod sessions;
mod synonyms;
mod volume;
mod workflow;
