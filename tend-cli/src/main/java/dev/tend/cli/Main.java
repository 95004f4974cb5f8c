package dev.tend.cli;

/** Entry point of the {@code tend} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("tend");
  }
}
