using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// Accounts end to end in headless Chromium: register on the real form, the live camera's emotions land in my History,
/// an API token made on the tokens page works for a script, "delete my data" empties the History, and the app bar's
/// sign-out button signs out (the pages then send the browser to the sign-in form).
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Browser")]
public sealed class AccountBrowserTests(LiveServerFixture server, ITestOutputHelper output) : IClassFixture<LiveServerFixture>
{
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("BLAZORMOOD_E2E_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }

    [Fact]
    public async Task Register_see_my_history_use_a_token_delete_my_data_and_sign_out()
    {
        await using var chromium = await ChromiumSession.LaunchAsync(FakeCamera.AstronautClip, output);
        var page = chromium.Page;
        var email = $"e2e-{Guid.NewGuid():n}@example.org";

        // Signed out, the dashboard sends the browser to the sign-in form, which links to registration.
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");
        await ScreenshotAsync(page, "account-login");
        await page.Locator("[data-testid=register-link]").ClickAsync();
        await page.Locator("[data-testid=register-email]").FillAsync(email);
        await page.Locator("[data-testid=register-password]").FillAsync(TestAccounts.Password);
        await page.Locator("[data-testid=register-confirm]").FillAsync(TestAccounts.Password);
        await page.Locator("[data-testid=register-submit]").ClickAsync();
        // Registration says the same for new and taken addresses and leaves the signing in to the person. A readiness
        // wait: in CI this redirect once took longer than Playwright's default 30 s under the parallel test load.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login", new() { Timeout = 60_000 });
        await page.Locator("[data-testid=registered-notice]").WaitForAsync();
        await page.Locator("[data-testid=login-email]").FillAsync(email);
        await page.Locator("[data-testid=login-password]").FillAsync(TestAccounts.Password);
        await page.Locator("[data-testid=login-submit]").ClickAsync();
        // A readiness wait, not a speed check, as in ChromiumSession's sign-in.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { Timeout = 60_000 });
        Assert.Equal(email, (await page.Locator("[data-testid=signed-in-as]").InnerTextAsync()).Trim());

        // The camera runs on the dashboard; its emotion is recorded for me and shows on my History page.
        await page.Locator("[data-testid=dominant-emotion][data-label=happy]").WaitForAsync(new() { Timeout = 20_000 });
        await page.Locator("[data-testid=nav-history]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/history");
        var point = page.Locator("[data-testid=timeline-point][data-label=happy]").First;
        for (var attempt = 0; attempt < 20 && await point.CountAsync() == 0; attempt++)
        {
            // The recorder writes in the background: look again.
            await page.Locator("[data-testid=period][data-period='24 hours']").ClickAsync();
            await page.WaitForTimeoutAsync(500);
        }
        await point.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 5_000 });
        await ScreenshotAsync(page, "history");

        // A token made on the tokens page reads the same events from a script.
        await page.Locator("[data-testid=nav-tokens]").ClickAsync();
        await page.Locator("[data-testid=token-name] input, input[data-testid=token-name]").First.FillAsync("e2e script");
        await page.Locator("[data-testid=token-create]").ClickAsync();
        var token = (await page.Locator("[data-testid=new-token]").InnerTextAsync()).Trim();
        await ScreenshotAsync(page, "api-tokens");
        using (var script = server.CreateAnonymousClient())
        {
            script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var events = JsonDocument.Parse(await script.GetStringAsync("api/emotions/recent")).RootElement;
            Assert.Contains(events.EnumerateArray(), e => e.GetProperty("label").GetString() == "happy");
        }

        // Delete my data: confirmed in a dialog, then the timeline is empty (the camera is off on this page).
        await page.Locator("[data-testid=nav-history]").ClickAsync();
        await page.Locator("[data-testid=delete-my-data]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete everything" }).ClickAsync();
        await page.Locator("[data-testid=deleted-summary]").WaitForAsync();
        await page.Locator("[data-testid=timeline-empty]").WaitForAsync();

        // The app bar's sign-out button (a form post with the antiforgery token) signs out.
        await page.Locator("[data-testid=sign-out]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");
        Assert.Contains("You are signed out", await page.ContentAsync(), StringComparison.Ordinal);
        await page.GotoAsync(new Uri(server.BaseAddress, "history").ToString());
        await page.WaitForURLAsync(url => new Uri(url).PathAndQuery == "/account/login?ReturnUrl=%2Fhistory");
        using var stillValid = server.CreateAnonymousClient();
        stillValid.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // Signing out of the browser does not revoke a script's token; only revoking it does.
        Assert.Equal(HttpStatusCode.OK, (await stillValid.GetAsync("api/recommend")).StatusCode);
    }
}
