using BlazorMood.Web.Kiosk;
using Microsoft.Extensions.Time.Testing;

namespace BlazorMood.Web.Tests.Kiosk;

/// <summary>
/// What pairing by code does whatever store keeps the codes, on a fake clock: short and readable, single use,
/// expiring, bounded, and an admin who types wrong codes is stopped after a few; the device token reaches only the
/// browser holding the pairing's secret. Each store's test class runs these against its own store.
/// </summary>
public abstract class KioskPairingBehaviour
{
    protected const string Admin = "admin-user";

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    /// <summary>A pairing service on this test's own empty store, going by <see cref="Time"/>.</summary>
    protected abstract KioskPairing NewPairing();

    [Fact]
    public async Task A_code_entered_by_an_admin_hands_the_token_once_to_the_screen_that_shows_it()
    {
        var pairing = NewPairing();
        var screen = (await pairing.BeginAsync())!;
        Assert.Equal(KioskPairing.CodeLength, screen.Code.Length);
        Assert.Equal(screen.Code, KioskPairing.Normalize(screen.Code));
        Assert.Equal((KioskPairingState.Waiting, screen.Code, (string?)null), await pairing.CheckAsync(screen.Secret));
        Assert.Equal(KioskPairingState.Waiting, await pairing.PeekAsync(screen.Secret));

        // Typed on a phone: lower case, with the space the screen shows.
        var typed = KioskPairing.Display(screen.Code).ToLowerInvariant();
        Assert.Equal(KioskPairingAttempt.Accepted, await pairing.TryAsync(Admin, typed));
        Assert.True(await pairing.CompleteAsync(typed, "bmk_token"));
        Assert.False(await pairing.CompleteAsync(typed, "bmk_other")); // used

        Assert.Equal(KioskPairingState.Unknown, (await pairing.CheckAsync("not-the-secret")).State);
        // What the waiting page polls: it sees the pairing done without taking the token.
        Assert.Equal(KioskPairingState.Paired, await pairing.PeekAsync(screen.Secret));
        Assert.Equal(KioskPairingState.Paired, await pairing.PeekAsync(screen.Secret));
        Assert.Equal(KioskPairingState.Unknown, await pairing.PeekAsync("not-the-secret"));
        Assert.Equal((KioskPairingState.Paired, screen.Code, "bmk_token"), await pairing.CheckAsync(screen.Secret));
        Assert.Equal(KioskPairingState.Unknown, await pairing.PeekAsync(screen.Secret));
        Assert.Equal(KioskPairingState.Unknown, (await pairing.CheckAsync(screen.Secret)).State); // handed over once
        Assert.Equal(KioskPairingAttempt.Unknown, await pairing.TryAsync(Admin, screen.Code));
    }

    [Fact]
    public async Task A_code_expires_after_its_lifetime()
    {
        var pairing = NewPairing();
        var screen = (await pairing.BeginAsync())!;

        Time.Advance(KioskPairing.Lifetime);

        Assert.Equal(KioskPairingAttempt.Unknown, await pairing.TryAsync(Admin, screen.Code));
        Assert.False(await pairing.CompleteAsync(screen.Code, "bmk_token"));
        Assert.Equal(KioskPairingState.Unknown, (await pairing.CheckAsync(screen.Secret)).State);
    }

    [Fact]
    public async Task Wrong_codes_stop_an_admin_for_a_while_but_not_another_admin()
    {
        var pairing = NewPairing();
        var screen = (await pairing.BeginAsync())!;
        for (var i = 0; i < KioskPairing.MaxFailedAttempts; i++)
        {
            Assert.Equal(KioskPairingAttempt.Unknown, await pairing.TryAsync(Admin, "AAAAAA"));
        }

        // Even the right code is refused now: guessing does not pay.
        Assert.Equal(KioskPairingAttempt.TooManyAttempts, await pairing.TryAsync(Admin, screen.Code));
        Assert.Equal(KioskPairingAttempt.Accepted, await pairing.TryAsync("another-admin", screen.Code));

        Time.Advance(KioskPairing.FailureWindow + TimeSpan.FromSeconds(1));
        var later = (await pairing.BeginAsync())!; // the first code has run out meanwhile
        Assert.Equal(KioskPairingAttempt.Accepted, await pairing.TryAsync(Admin, later.Code));
    }

    [Fact]
    public async Task At_most_Capacity_screens_wait_at_once()
    {
        var pairing = NewPairing();
        var codes = new List<string>();
        for (var i = 0; i < KioskPairing.Capacity; i++)
        {
            codes.Add((await pairing.BeginAsync($"10.0.0.{i}"))!.Code);
        }

        Assert.Equal(KioskPairing.Capacity, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.Null(await pairing.BeginAsync("10.0.1.1"));
        Time.Advance(KioskPairing.Lifetime);
        Assert.NotNull(await pairing.BeginAsync("10.0.1.1"));
    }

    [Fact]
    public async Task One_address_cannot_take_every_place()
    {
        var pairing = NewPairing();
        for (var i = 0; i < KioskPairing.MaxStartsPerClient; i++)
        {
            Assert.NotNull(await pairing.BeginAsync("203.0.113.7"));
        }

        Assert.Null(await pairing.BeginAsync("203.0.113.7"));
        Assert.NotNull(await pairing.BeginAsync("198.51.100.2")); // another screen elsewhere still gets a code
        Time.Advance(KioskPairing.Lifetime);
        Assert.NotNull(await pairing.BeginAsync("203.0.113.7"));
    }
}
