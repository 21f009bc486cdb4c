using Bunit;
using BlazorMood.Web.Accounts;
using BlazorMood.Web.Components.Pages.Admin.Kiosks;
using BlazorMood.Web.Kiosk;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Playback.Kiosk;

namespace BlazorMood.Web.Tests.Components;

/// <summary>
/// The admin's kiosk devices page over the real device service of a test host (SQLite, Identity): create a link
/// (shown once, copied with the button), see the devices, revoke one after a second click.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class KioskDevicesPageTests : MudComponentTest, IClassFixture<BlazorMoodWebFactory>
{
    private readonly BlazorMoodWebFactory _host;

    public KioskDevicesPageTests(BlazorMoodWebFactory host)
    {
        _host = host;
        Context.Services.AddSingleton(host.Services.GetRequiredService<IKioskDevices>());
        Context.Services.AddSingleton(host.Services.GetRequiredService<KioskPairing>());
        Context.JSInterop.SetupVoid("navigator.clipboard.writeText", _ => true).SetVoidResult();
        SignIn(host.Admin.Id, Roles.Admin);
    }

    private IKioskDevices Devices => _host.Services.GetRequiredService<IKioskDevices>();

    private KioskPairing Pairing => _host.Services.GetRequiredService<KioskPairing>();

    [Fact]
    public async Task The_code_a_screen_shows_pairs_it_as_a_new_device_and_a_wrong_code_creates_nothing()
    {
        var screen = (await Pairing.BeginAsync())!;
        var cut = Context.Render<KioskDevicesPage>();
        Assert.Contains("/kiosk/pair", cut.Markup, StringComparison.Ordinal);
        var before = (await Devices.ListAsync(CancellationToken.None)).Count;

        cut.Find("input[data-testid=kiosk-pair-code-input], [data-testid=kiosk-pair-code-input] input").Input("XXXXXX");
        cut.Find("[data-testid=kiosk-pair]").Click();
        cut.WaitForAssertion(() => Assert.Contains("No screen shows this code", cut.Find("[data-testid=kiosk-device-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal(before, (await Devices.ListAsync(CancellationToken.None)).Count);

        cut.Find("input[data-testid=kiosk-device-name], [data-testid=kiosk-device-name] input").Input("Gym, squat racks");
        cut.Find("input[data-testid=kiosk-pair-code-input], [data-testid=kiosk-pair-code-input] input").Input(KioskPairing.Display(screen.Code).ToLowerInvariant());
        cut.Find("[data-testid=kiosk-pair]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Gym, squat racks", cut.Find("[data-testid=kiosk-paired]").TextContent, StringComparison.Ordinal));
        Assert.Contains(cut.FindAll("[data-testid=kiosk-device-row]"), r => r.TextContent.Contains("Gym, squat racks", StringComparison.Ordinal));
        // The waiting screen gets the new device's token (and only once); the page never shows a link.
        var (state, _, token) = await Pairing.CheckAsync(screen.Secret);
        Assert.Equal(KioskPairingState.Paired, state);
        Assert.Equal(KioskEnrollmentStatus.Accepted, (await Devices.EnrollAsync(token, CancellationToken.None)).Status);
        Assert.Empty(cut.FindAll("[data-testid=kiosk-link]"));
    }

    [Fact]
    public void A_new_device_link_is_shown_once_copied_with_the_button_and_listed()
    {
        var cut = Context.Render<KioskDevicesPage>();

        cut.Find("input[data-testid=kiosk-device-name], [data-testid=kiosk-device-name] input").Input("Gym, cardio corner");
        cut.Find("[data-testid=kiosk-device-create]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=kiosk-link-created]"));
        var link = cut.Find("[data-testid=kiosk-link]").TextContent;
        Assert.StartsWith("http://localhost/kiosk/enroll?token=" + KioskDeviceService.TokenPrefix, link, StringComparison.Ordinal);
        var row = cut.FindAll("[data-testid=kiosk-device-row]").Single(r => r.TextContent.Contains("Gym, cardio corner", StringComparison.Ordinal));
        Assert.Equal("false", row.GetAttribute("data-revoked"));
        Assert.Contains("active", row.TextContent, StringComparison.Ordinal);

        cut.Find("[data-testid=kiosk-link-copy]").Click();

        var copy = Assert.Single(Context.JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText");
        Assert.Equal(link, copy.Arguments[0]);
        Assert.Contains("Copied", cut.Find("[data-testid=kiosk-link-copy]").TextContent, StringComparison.Ordinal);

        // Shown once: a new visit lists the device but has no link to show.
        var again = Context.Render<KioskDevicesPage>();
        again.WaitForAssertion(() => Assert.NotEmpty(again.FindAll("[data-testid=kiosk-device-row]")));
        Assert.Empty(again.FindAll("[data-testid=kiosk-link]"));
    }

    [Fact]
    public void A_device_needs_a_name()
    {
        var cut = Context.Render<KioskDevicesPage>();

        cut.Find("[data-testid=kiosk-device-create]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Name the device", cut.Find("[data-testid=kiosk-device-error]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=kiosk-link-created]"));
    }

    [Fact]
    public async Task Revoking_asks_once_more_then_marks_the_device_revoked_for_good()
    {
        var device = await Devices.CreateAsync("Spinning studio", _host.Admin.Id, CancellationToken.None);
        var cut = Context.Render<KioskDevicesPage>();
        string RowSelector() => $"[data-testid=kiosk-device-row][data-device-id='{device.Device.Id}']";
        cut.WaitForAssertion(() => cut.Find(RowSelector()));

        cut.Find($"{RowSelector()} [data-testid=kiosk-device-revoke]").Click();
        cut.Find($"{RowSelector()} [data-testid=kiosk-device-revoke-cancel]").Click();
        Assert.Null((await Devices.ListAsync(CancellationToken.None)).Single(d => d.Id == device.Device.Id).RevokedAt);

        cut.Find($"{RowSelector()} [data-testid=kiosk-device-revoke]").Click();
        cut.Find($"{RowSelector()} [data-testid=kiosk-device-revoke-confirm]").Click();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find(RowSelector()).GetAttribute("data-revoked")));
        Assert.Contains("revoked", cut.Find(RowSelector()).TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll($"{RowSelector()} [data-testid=kiosk-device-revoke]"));
        Assert.NotNull((await Devices.ListAsync(CancellationToken.None)).Single(d => d.Id == device.Device.Id).RevokedAt);
        Assert.Equal(KioskEnrollmentStatus.Revoked, (await Devices.EnrollAsync(device.Token, CancellationToken.None)).Status);
    }
}
