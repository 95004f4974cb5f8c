package dev.tend.server.ui;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What every page's frame shows: its title, the project and section it belongs to (for the
 * navigation), who is signed in, the CSRF token its forms carry, the projects to switch to and a
 * message left by the previous action.
 *
 * @param user the signed-in principal's name; empty for an anonymous reader
 * @param csrf the session's CSRF token, empty without a session
 */
public record Chrome(
    String title,
    Optional<String> project,
    Optional<Section> section,
    Optional<String> user,
    String csrf,
    List<String> projects,
    Optional<String> flash) {
  /** The charting library, served from its webjar. */
  public static final String ECHARTS = "/webjars/echarts/5.3.1/dist/echarts.min.js";

  public Chrome {
    requireNonNull(title, "title is null");
    requireNonNull(project, "project is null");
    requireNonNull(section, "section is null");
    requireNonNull(user, "user is null");
    requireNonNull(csrf, "csrf is null");
    projects = List.copyOf(requireNonNull(projects, "projects is null"));
    requireNonNull(flash, "flash is null");
  }

  /** The sections to show in the navigation: all of them inside a project, none outside. */
  public List<Section> sections() {
    return project.isPresent() ? List.of(Section.values()) : List.of();
  }

  /** Whether {@code candidate} is the section this page belongs to. */
  public boolean current(Section candidate) {
    return section.filter(candidate::equals).isPresent();
  }
}
