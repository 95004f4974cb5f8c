package dev.tend.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/** Signing in and out of the UI in Chromium, and the start page it lands on. */
@ExtendWith(UiWorld.Resolver.class)
class SignInPageTest {
  static UiWorld world;
  static Chromium browser;

  @BeforeAll
  static void launch(UiWorld shared) {
    world = shared;
    browser = Chromium.launch(world.uri());
  }

  @AfterAll
  static void quit() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void aWrongTokenIsRefusedAndTheRightOneOpensTheProjects() {
    browser.open("/projects/zoo");
    assertThat(browser.driver().getCurrentUrl()).contains("/sign-in?next=");
    browser.find("#token").sendKeys("tend_not_a_real_token_at_all_00000000000");
    browser.follow("#sign-in-submit");
    assertThat(browser.text("#sign-in-error")).contains("not valid");
    browser.screenshot("sign-in-refused");
    assertThat(browser.consoleErrors()).singleElement().asString().contains("401");

    browser.find("#token").sendKeys(world.admin());
    browser.follow("#sign-in-submit");
    browser.find("#user");
    assertThat(browser.driver().getCurrentUrl()).endsWith("/projects/zoo");
    browser.assertNoConsoleErrors();

    browser.follow("a.brand");
    assertThat(browser.all("#projects a")).extracting(e -> e.getText()).contains("zoo");
    browser.assertNoConsoleErrors();
    browser.screenshot("projects");

    browser.follow(browser.find("#projects").findElement(By.linkText("zoo")));
    assertThat(browser.text("nav.sections a.current")).isEqualTo("Overview");
    browser.assertNoConsoleErrors();

    browser.follow("#sign-out");
    browser.find("#token");
    browser.open("/");
    assertThat(browser.driver().getCurrentUrl()).contains("/sign-in");
  }
}
