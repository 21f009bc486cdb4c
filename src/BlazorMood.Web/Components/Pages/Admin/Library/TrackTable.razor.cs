using System.Globalization;
using BlazorMood.Music.Curation;
using BlazorMood.Web.Curation;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BlazorMood.Web.Components.Pages.Admin.Library;

/// <summary>
/// The track grid of one playlist with the page's single preview player; each action calls the curator and reports
/// back through <see cref="Changed"/>.
/// </summary>
public sealed partial class TrackTable : ComponentBase, IDisposable
{
    private static readonly int[] PageSizes = [25, 50, 100];

    private readonly CancellationTokenSource _lifetime = new();
    private string? _error;
    private string? _search;
    private TrackRow? _previewing;

    [Parameter]
    [EditorRequired]
    public IReadOnlyList<TrackRow> Tracks { get; set; } = [];

    /// <summary>Every playlist name (the move select's options).</summary>
    [Parameter]
    public IReadOnlyList<string> Playlists { get; set; } = [];

    [Parameter]
    public EventCallback Changed { get; set; }

    [Inject]
    private ILibraryCurator Curator { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    /// <summary>The track in the preview player, if any.</summary>
    internal TrackRow? Previewing => _previewing;

    protected override void OnParametersSet()
    {
        // A previewed track keeps playing across refreshes (its row is rebuilt); one that left the list stops.
        if (_previewing is { } current)
        {
            _previewing = Tracks.FirstOrDefault(t => t.Id == current.Id) is { } fresh && fresh.Url == current.Url ? fresh : null;
        }
    }

    private string CountText => Tracks.Count == 1 ? "1 track" : $"{Tracks.Count.ToString(CultureInfo.InvariantCulture)} tracks";

    private bool IsPreviewing(TrackRow track) => _previewing?.Id == track.Id;

    /// <summary>Loads the track into the shared player, or empties the player when it is the one playing.</summary>
    private void TogglePreview(TrackRow track) => _previewing = IsPreviewing(track) ? null : track;

    /// <summary>The search box: a case-insensitive match on title or artist.</summary>
    internal bool Matches(TrackRow track) => TrackMatches(track, _search);

    internal static bool TrackMatches(TrackRow track, string? search) =>
        string.IsNullOrWhiteSpace(search)
        || track.Title.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
        || track.Artist.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase);

    internal static string Length(double seconds) =>
        seconds <= 0 ? "–" : TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    private Task MoveAsync(TrackRow track, string? playlist) =>
        string.IsNullOrEmpty(playlist) || playlist == track.Playlist
            ? Task.CompletedTask
            : RunAsync(() => Curator.MoveTrackAsync(track.Id, playlist, _lifetime.Token));

    private Task BanAsync(TrackRow track, bool banned) => RunAsync(() => Curator.SetBannedAsync(track.Id, banned, _lifetime.Token));

    private async Task EditAsync(TrackRow track)
    {
        var dialog = await Dialogs.ShowAsync<TrackEditDialog>($"Edit {track.Title}", new DialogParameters<TrackEditDialog> { { d => d.Track, track } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false })
        {
            await Changed.InvokeAsync();
        }
    }

    private async Task DeleteAsync(TrackRow track)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete track",
            $"Delete \"{track.Title}\" from {track.Playlist}? The file goes to the library's trash.", yesText: "Delete", cancelText: "Cancel");
        if (confirmed == true)
        {
            await RunAsync(() => Curator.DeleteTrackAsync(track.Id, _lifetime.Token));
        }
    }

    private async Task RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            _error = null;
            await Changed.InvokeAsync();
        }
        catch (CurationException e)
        {
            _error = e.Message;
        }
    }

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}
