using BlazorMood.Web.Kiosk;
using Microsoft.Extensions.Time.Testing;

namespace BlazorMood.Web.Tests.Kiosk;

/// <summary>
/// Pairing codes on a fake clock: short and readable, single use, expiring, bounded, and an admin who types wrong
/// codes is stopped after a few; the device token reaches only the browser holding the pairing's secret.
/// </summary>
public sealed class KioskPairingTests
{
    private const string Admin = "admin-user";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_code_entered_by_an_admin_hands_the_token_once_to_the_screen_that_shows_it()
    {
        var pairing = new KioskPairing(_time);
        var screen = pairing.Begin()!;
        Assert.Equal(KioskPairing.CodeLength, screen.Code.Length);
        Assert.Equal(screen.Code, KioskPairing.Normalize(screen.Code));
        Assert.Equal((KioskPairingState.Waiting, screen.Code, (string?)null), pairing.Check(screen.Secret));
        Assert.Equal(KioskPairingState.Waiting, pairing.Peek(screen.Secret));

        // Typed on a phone: lower case, with the space the screen shows.
        var typed = KioskPairing.Display(screen.Code).ToLowerInvariant();
        Assert.Equal(KioskPairingAttempt.Accepted, pairing.Try(Admin, typed));
        Assert.True(pairing.Complete(typed, "bmk_token"));
        Assert.False(pairing.Complete(typed, "bmk_other")); // used

        Assert.Equal(KioskPairingState.Unknown, pairing.Check("not-the-secret").State);
        // What the waiting page polls: it sees the pairing done without taking the token.
        Assert.Equal(KioskPairingState.Paired, pairing.Peek(screen.Secret));
        Assert.Equal(KioskPairingState.Paired, pairing.Peek(screen.Secret));
        Assert.Equal(KioskPairingState.Unknown, pairing.Peek("not-the-secret"));
        Assert.Equal((KioskPairingState.Paired, screen.Code, "bmk_token"), pairing.Check(screen.Secret));
        Assert.Equal(KioskPairingState.Unknown, pairing.Peek(screen.Secret));
        Assert.Equal(KioskPairingState.Unknown, pairing.Check(screen.Secret).State); // handed over once
        Assert.Equal(KioskPairingAttempt.Unknown, pairing.Try(Admin, screen.Code));
    }

    [Fact]
    public void A_code_expires_after_its_lifetime()
    {
        var pairing = new KioskPairing(_time);
        var screen = pairing.Begin()!;

        _time.Advance(KioskPairing.Lifetime);

        Assert.Equal(KioskPairingAttempt.Unknown, pairing.Try(Admin, screen.Code));
        Assert.False(pairing.Complete(screen.Code, "bmk_token"));
        Assert.Equal(KioskPairingState.Unknown, pairing.Check(screen.Secret).State);
    }

    [Fact]
    public void Wrong_codes_stop_an_admin_for_a_while_but_not_another_admin()
    {
        var pairing = new KioskPairing(_time);
        var screen = pairing.Begin()!;
        for (var i = 0; i < KioskPairing.MaxFailedAttempts; i++)
        {
            Assert.Equal(KioskPairingAttempt.Unknown, pairing.Try(Admin, "AAAAAA"));
        }

        // Even the right code is refused now: guessing does not pay.
        Assert.Equal(KioskPairingAttempt.TooManyAttempts, pairing.Try(Admin, screen.Code));
        Assert.Equal(KioskPairingAttempt.Accepted, pairing.Try("another-admin", screen.Code));

        _time.Advance(KioskPairing.FailureWindow + TimeSpan.FromSeconds(1));
        var later = pairing.Begin()!; // the first code has run out meanwhile
        Assert.Equal(KioskPairingAttempt.Accepted, pairing.Try(Admin, later.Code));
    }

    [Fact]
    public void At_most_Capacity_screens_wait_at_once()
    {
        var pairing = new KioskPairing(_time);
        var codes = Enumerable.Range(0, KioskPairing.Capacity).Select(i => pairing.Begin($"10.0.0.{i}")!.Code).ToList();

        Assert.Equal(KioskPairing.Capacity, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.Null(pairing.Begin("10.0.1.1"));
        _time.Advance(KioskPairing.Lifetime);
        Assert.NotNull(pairing.Begin("10.0.1.1"));
    }

    [Fact]
    public void One_address_cannot_take_every_place()
    {
        var pairing = new KioskPairing(_time);
        for (var i = 0; i < KioskPairing.MaxStartsPerClient; i++)
        {
            Assert.NotNull(pairing.Begin("203.0.113.7"));
        }

        Assert.Null(pairing.Begin("203.0.113.7"));
        Assert.NotNull(pairing.Begin("198.51.100.2")); // another screen elsewhere still gets a code
        _time.Advance(KioskPairing.Lifetime);
        Assert.NotNull(pairing.Begin("203.0.113.7"));
    }

    [Theory]
    [InlineData("k7m 3qx", "K7M3QX")]
    [InlineData("K7M-3QX", "K7M3QX")]
    [InlineData("K0M3QX", null)] // 0 is never in a code
    [InlineData("K7M3Q", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Codes_are_read_as_typed(string? typed, string? expected) => Assert.Equal(expected, KioskPairing.Normalize(typed));
}
