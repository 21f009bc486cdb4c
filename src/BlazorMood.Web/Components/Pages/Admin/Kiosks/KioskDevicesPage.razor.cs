using System.Globalization;
using BlazorMood.Web.Kiosk;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using BlazorMood.Accounts;
using BlazorMood.Playback;
using BlazorMood.Playback.Kiosk;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Components.Pages.Admin.Kiosks;

/// <summary>
/// <c>/admin/kiosks</c>: create a device link (shown once, with a copy button), list the devices with when they were
/// last seen, revoke one (after a second click on the same row).
/// </summary>
public sealed partial class KioskDevicesPage
{
    private readonly CancellationTokenSource _lifetime = new();
    private IReadOnlyList<KioskDeviceInfo>? _devices;
    private CreatedKioskDevice? _created;
    private string? _createdLink;
    private string? _name;
    private string? _code;
    private string? _paired;
    private string? _error;
    private string? _confirming;
    private bool _copied;
    private bool _busy;
    private string? _adminId;

    [Inject]
    private IKioskDevices Devices { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider Authentication { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private KioskPairing Pairing { get; set; } = default!;

    /// <summary>The address a screen opens to show its pairing code.</summary>
    private string PairAddress => Navigation.BaseUri.TrimEnd('/') + KioskEndpoints.PairPath;

    protected override async Task OnInitializedAsync()
    {
        _adminId = OwnerIdentity.Of((await Authentication.GetAuthenticationStateAsync()).User);
        _devices = await Devices.ListAsync(_lifetime.Token);
    }

    /// <summary>The device link for a token: an absolute address on this site (what the screen's browser opens).</summary>
    public static string LinkFor(string baseUri, string token) =>
        baseUri.TrimEnd('/') + KioskEndpoints.EnrollPath + "?token=" + Uri.EscapeDataString(token);

    private async Task CreateAsync()
    {
        if (_adminId is null || _busy)
        {
            return;
        }
        _busy = true;
        _error = null;
        try
        {
            _created = await Devices.CreateAsync(_name ?? "", _adminId, _lifetime.Token);
            _createdLink = LinkFor(Navigation.BaseUri, _created.Token);
            _copied = false;
            _name = null;
            _devices = await Devices.ListAsync(_lifetime.Token);
        }
        catch (KioskDeviceException e)
        {
            _error = e.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>
    /// The code a screen shows: checked first (a wrong one creates nothing and counts against this admin), then the
    /// device is created and its token handed to the waiting screen, which signs in at its next look.
    /// </summary>
    private async Task PairAsync()
    {
        if (_adminId is null || _busy)
        {
            return;
        }
        _busy = true;
        _error = null;
        _paired = null;
        try
        {
            switch (await Pairing.TryAsync(_adminId, _code))
            {
                case KioskPairingAttempt.TooManyAttempts:
                    _error = $"Too many wrong codes: wait {(int)KioskPairing.FailureWindow.TotalMinutes} minutes, or create a link instead.";
                    return;
                case KioskPairingAttempt.Unknown:
                    _error = "No screen shows this code. Check it against the screen (codes have no 0, O, 1 or I), or reload the screen for a new one: a code lasts "
                        + $"{(int)KioskPairing.Lifetime.TotalMinutes} minutes.";
                    return;
            }
            var name = string.IsNullOrWhiteSpace(_name) ? "Screen " + KioskPairing.Normalize(_code) : _name;
            var created = await Devices.CreateAsync(name, _adminId, _lifetime.Token);
            if (!await Pairing.CompleteAsync(_code, created.Token))
            {
                // The code ran out between the check and now: the device exists but no screen holds it.
                await Devices.RevokeAsync(created.Device.Id, _lifetime.Token);
                _error = "The code ran out just now. Reload the screen for a new code and enter that one.";
                return;
            }
            _paired = created.Device.Name;
            _code = null;
            _name = null;
            _devices = await Devices.ListAsync(_lifetime.Token);
        }
        catch (KioskDeviceException e)
        {
            _error = e.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task CopyAsync()
    {
        if (_createdLink is null)
        {
            return;
        }
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", _createdLink);
            _copied = true;
        }
        catch (JSException)
        {
            // Clipboard access needs HTTPS or localhost; the link stays selectable for copying by hand.
            _error = "The browser did not allow copying; select the link and copy it by hand.";
        }
    }

    private async Task RevokeAsync(KioskDeviceInfo device)
    {
        if (_busy)
        {
            return;
        }
        _busy = true;
        try
        {
            await Devices.RevokeAsync(device.Id, _lifetime.Token);
            if (_created?.Device.Id == device.Id)
            {
                _created = null;
                _createdLink = null;
            }
            _confirming = null;
            _devices = await Devices.ListAsync(_lifetime.Token);
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>"just now", "5 min ago", "3 h ago", else the UTC date.</summary>
    private string Ago(DateTimeOffset at)
    {
        var age = Time.GetUtcNow() - at;
        return age switch
        {
            { TotalMinutes: < 1 } => "just now",
            { TotalHours: < 1 } => $"{(int)age.TotalMinutes} min ago",
            { TotalDays: < 1 } => $"{(int)age.TotalHours} h ago",
            _ => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        };
    }

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}
