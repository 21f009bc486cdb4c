using BlazorMood.Events;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Music;
using BlazorMood.Music.Library;
using BlazorMood.Web.Accounts;
using BlazorMood.Web.Live;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using BlazorMood.Live;
using BlazorMood.Playback;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Tests.Components;

/// <summary>
/// A bUnit context with MudBlazor's services. MudBlazor registers services that only dispose asynchronously,
/// and xunit 2 disposes test classes synchronously, so the context is owned here and disposed through IAsyncLifetime.
/// </summary>
public abstract class MudComponentTest : IAsyncLifetime
{
    protected MudComponentTest()
    {
        Context.Services.AddMudServices();
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        // What the Live Emotion tab needs; time is fake so render throttling is deterministic.
        Context.Services.AddSingleton<TimeProvider>(Time);
        Context.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(LiveOptions));
        Context.Services.AddEventBus();
        Context.Services.AddSingleton<LiveMoodNotifier>();
        Context.Services.AddLogging();
        // What the Recommendations tab needs: the music services over a small in-memory library, and its player.
        Context.Services.AddSingleton<IMusicLibrary>(MusicLibrary);
        Context.Services.AddMusic(o => o.Recommender.RandomSeed = 1);
        Context.Services.AddOptions<PlayerOptions>();
        Context.Services.AddScoped<PlayerState>();
        Context.Services.AddHttpContextAccessor();
        PersistentState = Context.AddBunitPersistentComponentState();
        // Components read the signed-in user from the authentication state; nobody is signed in until SignIn.
        Authorization = Context.AddAuthorization();
    }

    /// <summary>The test's authentication state (<see cref="SignIn"/> for the usual case).</summary>
    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Signs a user in for the rendered components: <paramref name="userId"/> is the account id components resolve.</summary>
    protected void SignIn(string userId, params string[] roles)
    {
        string[] granted = roles.Length == 0 ? [Roles.User] : roles;
        Authorization.SetAuthorized(userId + "@tests.invalid");
        Authorization.SetRoles(granted);
        // bUnit grants policies by name: the app's policies as the roles would satisfy them.
        Authorization.SetPolicies([.. new[]
        {
            (Policies.Kiosk, new[] { Roles.Kiosk, Roles.User, Roles.Admin }),
            (Policies.User, new[] { Roles.User, Roles.Admin }),
            (Policies.Admin, new[] { Roles.Admin }),
        }.Where(p => p.Item2.Intersect(granted).Any()).Select(p => p.Item1)]);
        // Last: setting the roles drops claims set before them.
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
    }

    /// <summary>Two tracks per emotion playlist (happy at 120/128 BPM, the others at 90/100); no audio files behind them.</summary>
    protected StaticMusicLibrary MusicLibrary { get; } = StaticMusicLibrary.Of(PlaylistNames.Emotions.SelectMany(e => new (string, string, double?)[]
    {
        (PlaylistNames.ForEmotion(e), $"{e} one", e == "happy" ? 120 : 90),
        (PlaylistNames.ForEmotion(e), $"{e} two", e == "happy" ? 128 : 100),
    }));

    protected BunitPersistentComponentState PersistentState { get; }

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    protected LiveOptions LiveOptions { get; } = new();

    protected BunitContext Context { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Context.DisposeAsync();
}
