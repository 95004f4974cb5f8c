/**
 * The web UI: server-rendered pages (jte templates under {@code src/main/jte}) at {@code /}, signed
 * in with an API token into a session cookie, with a CSRF token on every form. {@link WebUi} is the
 * module; each area of the product (datasets, runs, deployments, ...) adds its pages as a {@link
 * UiArea} through {@link UiRoutes}, which checks the session, the project role and the CSRF token,
 * times the page ({@code Server-Timing}) and renders errors as pages.
 */
package dev.tend.server.ui;
