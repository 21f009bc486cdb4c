using System.Net;
using BlazorMood.Web.Accounts;
using BlazorMood.Web.Kiosk;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Playback.Kiosk;

namespace BlazorMood.Web.Tests.Kiosk;

/// <summary>
/// Device links against the real host: a link signs a browser in as its device (role Kiosk, a long-lived cookie) and
/// opens /kiosk; unknown, malformed and revoked links are refused with a page that says why; revoking a device turns
/// its signed-in browser away on its next request (page, circuit, hub); only admins reach the admin page.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class KioskDeviceTests(BlazorMoodWebFactory factory) : IClassFixture<BlazorMoodWebFactory>
{
    private IKioskDevices Devices => factory.Services.GetRequiredService<IKioskDevices>();

    /// <summary>A browser-like client: its own cookie jar, no credentials, redirects not followed.</summary>
    private HttpClient Browser() => factory.CreateAnonymousClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static string EnrollUrl(string token) => KioskEndpoints.EnrollPath + "?token=" + Uri.EscapeDataString(token);

    private async Task<(CreatedKioskDevice Device, HttpClient Browser)> EnrolledAsync(string name)
    {
        var device = await Devices.CreateAsync(name, factory.Admin.Id, CancellationToken.None);
        var browser = Browser();
        var enrolled = await browser.GetAsync(EnrollUrl(device.Token));
        Assert.Equal(HttpStatusCode.Redirect, enrolled.StatusCode);
        Assert.Equal("/kiosk", enrolled.Headers.Location?.OriginalString);
        return (device, browser);
    }

    [Fact]
    public async Task A_device_link_signs_the_browser_in_as_the_device_and_opens_the_kiosk()
    {
        var device = await Devices.CreateAsync("  Gym, weights area ", factory.Admin.Id, CancellationToken.None);
        Assert.StartsWith(KioskDeviceService.TokenPrefix, device.Token, StringComparison.Ordinal);
        Assert.Equal("Gym, weights area", device.Device.Name);

        var browser = Browser();
        var enrolled = await browser.GetAsync(EnrollUrl(device.Token));

        Assert.Equal(HttpStatusCode.Redirect, enrolled.StatusCode);
        Assert.Equal("/kiosk", enrolled.Headers.Location?.OriginalString);
        Assert.Equal("no-referrer", enrolled.Headers.GetValues("Referrer-Policy").Single());
        var cookie = Assert.Single(enrolled.Headers.GetValues("Set-Cookie"), c => c.StartsWith("bm_auth=", StringComparison.Ordinal));
        // Long-lived: the screen must not be signed out after the people's 14 days.
        var expires = DateTimeOffset.Parse(cookie.Split("expires=", StringSplitOptions.None)[1].Split(';')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(expires > DateTimeOffset.UtcNow.AddDays(300), $"cookie expires {expires}");

        var kiosk = await browser.GetAsync("/kiosk");
        Assert.Equal(HttpStatusCode.OK, kiosk.StatusCode);
        var html = await kiosk.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"kiosk\"", html, StringComparison.Ordinal);
        Assert.Contains("data-kiosk-layout", html, StringComparison.Ordinal);
        Assert.Contains("never stored", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"mud-appbar", html, StringComparison.Ordinal); // no app chrome

        // The device is its own account in role Kiosk, with no password to sign in with.
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.FindByNameAsync("kiosk-" + device.Device.Id);
        Assert.NotNull(user);
        Assert.Equal([Roles.Kiosk], await users.GetRolesAsync(user));
        Assert.False(await users.HasPasswordAsync(user));
        Assert.NotNull((await Devices.ListAsync(CancellationToken.None)).Single(d => d.Id == device.Device.Id).LastSeenAt);
    }

    [Fact]
    public async Task A_screen_shows_a_short_code_and_signs_in_as_the_new_device_once_an_admin_enters_it()
    {
        var screen = Browser();
        var shown = await screen.GetAsync(KioskEndpoints.PairPath);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        var code = System.Text.RegularExpressions.Regex.Match(await shown.Content.ReadAsStringAsync(), "data-code=\"([A-Z0-9]{6})\"").Groups[1].Value;
        Assert.Equal(KioskPairing.CodeLength, code.Length);

        // The screen looks again: the same code (its cookie), still waiting, not signed in.
        var waiting = await screen.GetAsync(KioskEndpoints.PairPath);
        Assert.Contains($"data-code=\"{code}\"", await waiting.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, (await screen.GetAsync("/kiosk")).StatusCode);

        // Another browser gets its own code, never this one's device.
        var stranger = Browser();
        Assert.DoesNotContain($"data-code=\"{code}\"", await (await stranger.GetAsync(KioskEndpoints.PairPath)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The admin enters it (what Admin → Kiosk devices does): the device is made and handed to the waiting screen.
        // Meanwhile the page's script asks the state: waiting for this screen, nothing for a browser that never asked.
        Assert.Equal("waiting", await screen.GetStringAsync(KioskEndpoints.PairStatePath));
        Assert.Equal("gone", await Browser().GetStringAsync(KioskEndpoints.PairStatePath));
        var pairing = factory.Services.GetRequiredService<KioskPairing>();
        Assert.Equal(KioskPairingAttempt.Accepted, await pairing.TryAsync(factory.Admin.Id, KioskPairing.Display(code)));
        var device = await Devices.CreateAsync("Paired by code", factory.Admin.Id, CancellationToken.None);
        Assert.True(await pairing.CompleteAsync(code, device.Token));
        // Asking twice hands nothing over: the page reloads and only that request signs the screen in.
        Assert.Equal("paired", await screen.GetStringAsync(KioskEndpoints.PairStatePath));
        Assert.Equal("paired", await screen.GetStringAsync(KioskEndpoints.PairStatePath));

        var paired = await screen.GetAsync(KioskEndpoints.PairPath);
        Assert.Equal(HttpStatusCode.Redirect, paired.StatusCode);
        Assert.Equal("/kiosk", paired.Headers.Location?.OriginalString);
        var kiosk = await screen.GetAsync("/kiosk");
        Assert.Equal(HttpStatusCode.OK, kiosk.StatusCode);
        Assert.Contains("data-testid=\"kiosk\"", await kiosk.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The stranger is still only shown a code.
        Assert.Equal(HttpStatusCode.OK, (await stranger.GetAsync(KioskEndpoints.PairPath)).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await stranger.GetAsync("/kiosk")).StatusCode);
    }

    [Fact]
    public async Task A_screen_whose_pairing_store_cannot_be_reached_is_told_so_and_tries_again_by_itself()
    {
        using var broken = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IKioskPairingStore, UnreachablePairingStore>()));
        var screen = broken.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var page = await screen.GetAsync(KioskEndpoints.PairPath);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("Pairing is not available right now", html, StringComparison.Ordinal);
        Assert.Contains("asks for a code again by itself", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-code=", html, StringComparison.Ordinal);

        // A screen that was shown a code before the store went away keeps waiting (the script reloads only on an answer).
        using var ask = new HttpRequestMessage(HttpMethod.Get, KioskEndpoints.PairStatePath);
        ask.Headers.Add("Cookie", KioskEndpoints.PairCookie + "=a-secret-from-before");
        var state = await screen.SendAsync(ask);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, state.StatusCode);
        Assert.Equal("unavailable", await state.Content.ReadAsStringAsync());
    }

    /// <summary>A pairing store whose server is down (what StackExchange.Redis throws then).</summary>
    private sealed class UnreachablePairingStore : IKioskPairingStore
    {
        private static StackExchange.Redis.RedisConnectionException Down() =>
            new(StackExchange.Redis.ConnectionFailureType.UnableToConnect, "It was not possible to connect to the redis server(s).");

        public ValueTask<KioskPairingStoreBegin> BeginAsync(string code, string secretHash, DateTimeOffset expiresAt, string client, DateTimeOffset now) => throw Down();

        public ValueTask<KioskPairingState> PeekAsync(string secretHash, DateTimeOffset now) => throw Down();

        public ValueTask<(KioskPairingState State, string? Code, string? Token)> CheckAsync(string secretHash, DateTimeOffset now) => throw Down();

        public ValueTask<KioskPairingAttempt> TryAsync(string adminId, string? code, DateTimeOffset now) => throw Down();

        public ValueTask<bool> CompleteAsync(string code, string token, DateTimeOffset now) => throw Down();
    }

    [Theory]
    [InlineData("bmk_not-a-real-token-at-all-but-43-characters-long")]
    [InlineData("bmt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("")]
    public async Task An_unknown_or_malformed_link_is_refused_with_a_page_that_says_so(string token)
    {
        var response = await Browser().GetAsync(EnrollUrl(token));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-reason=\"unknown\"", html, StringComparison.Ordinal);
        Assert.Contains("This kiosk link is not valid", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_device_is_turned_away_from_the_page_the_circuit_and_the_hub_and_its_link_is_refused()
    {
        var (device, browser) = await EnrolledAsync("Front desk");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/kiosk")).StatusCode);
        string? revokedUser = null;
        using var subscription = factory.Services.GetRequiredService<KioskDeviceEvents>().SubscribeRevoked(u => revokedUser = u);

        Assert.True(await Devices.RevokeAsync(device.Device.Id, CancellationToken.None));
        Assert.False(await Devices.RevokeAsync(device.Device.Id, CancellationToken.None)); // once is enough

        // Open pages hear of it at once.
        Assert.NotNull(revokedUser);
        // The next requests with the cookie it already holds: the circuit's and the hub's negotiation, the page.
        var blazor = await browser.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
        Assert.NotEqual(HttpStatusCode.OK, blazor.StatusCode);
        var (_, second) = await EnrolledAsync("Another screen"); // a device that is not revoked still connects
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsync("/hubs/emotion/negotiate?negotiateVersion=1", null)).StatusCode);

        var page = await browser.GetAsync("/kiosk");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith(KioskEndpoints.RefusedPath, page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        var refused = await browser.GetAsync(page.Headers.Location);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("not signed in as a kiosk", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var again = await Browser().GetAsync(EnrollUrl(device.Token));
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.False(again.Headers.Contains("Set-Cookie"));
        var html = await again.Content.ReadAsStringAsync();
        Assert.Contains("data-reason=\"revoked\"", html, StringComparison.Ordinal);
        Assert.Contains("This kiosk link was revoked", html, StringComparison.Ordinal);
        Assert.NotNull((await Devices.ListAsync(CancellationToken.None)).Single(d => d.Id == device.Device.Id).RevokedAt);
    }

    [Fact]
    public async Task A_revoked_device_is_refused_on_the_hub_connection()
    {
        var (device, browser) = await EnrolledAsync("Spinning room");
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync("/hubs/emotion/negotiate?negotiateVersion=1", null)).StatusCode);

        await Devices.RevokeAsync(device.Device.Id, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync("/hubs/emotion/negotiate?negotiateVersion=1", null)).StatusCode);
    }

    [Fact]
    public async Task A_browser_that_is_not_signed_in_gets_the_kiosk_refusal_page_not_the_sign_in_form()
    {
        var browser = Browser();

        var page = await browser.GetAsync("/kiosk");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(KioskEndpoints.RefusedUrl(KioskRefusal.NotSignedIn), page.Headers.Location?.OriginalString);
        var refused = await browser.GetAsync(page.Headers.Location);
        Assert.Contains("Open the kiosk link", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_a_page_opened_in_the_browser_enrols_it()
    {
        var device = await Devices.CreateAsync("Lobby", factory.Admin.Id, CancellationToken.None);
        var browser = Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, EnrollUrl(device.Token));
        request.Headers.Add("Sec-Fetch-Dest", "image"); // an <img> on another site pointing at the link

        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Device_names_are_checked()
    {
        await Assert.ThrowsAsync<KioskDeviceException>(() => Devices.CreateAsync("   ", factory.Admin.Id, CancellationToken.None));
        await Assert.ThrowsAsync<KioskDeviceException>(() => Devices.CreateAsync(new string('x', 81), factory.Admin.Id, CancellationToken.None));
    }

    [Fact]
    public async Task The_admin_page_is_for_admins_only()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClientFor(factory.Admin).GetAsync("/admin/kiosks")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await factory.CreateClientFor(factory.User, new() { AllowAutoRedirect = false }).GetAsync("/admin/kiosks")).StatusCode);
        var (_, kiosk) = await EnrolledAsync("Changing room corridor");
        Assert.NotEqual(HttpStatusCode.OK, (await kiosk.GetAsync("/admin/kiosks")).StatusCode);
    }
}
