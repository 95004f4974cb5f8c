package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import dev.tend.expr.Expr;
import java.util.Optional;

/**
 * What every check has: a name unique in its suite, a severity, an optional row filter (with the
 * text it was parsed from) and where it was declared.
 */
public record CheckHeader(
    String name,
    Severity severity,
    Optional<Expr> where,
    Optional<String> whereText,
    Optional<String> description,
    SourceLocation location) {
  public CheckHeader {
    requireNonNull(name, "name is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(where, "where is null");
    requireNonNull(whereText, "whereText is null");
    requireNonNull(description, "description is null");
    requireNonNull(location, "location is null");
  }

  public static CheckHeader of(String name) {
    return new CheckHeader(
        name,
        Severity.ERROR,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        SourceLocation.UNKNOWN);
  }

  public CheckHeader withSeverity(Severity newSeverity) {
    return new CheckHeader(name, newSeverity, where, whereText, description, location);
  }

  public CheckHeader withWhere(Expr filter, String text) {
    return new CheckHeader(
        name, severity, Optional.of(filter), Optional.of(text), description, location);
  }
}
