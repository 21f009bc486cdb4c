using BlazorMood.Music;
using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;
using BlazorMood.Web.Components.Pages.Home.Live;
using BlazorMood.Web.Curation;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace BlazorMood.Web.Components.Pages.Admin.Library;

/// <summary>
/// <c>/admin</c>: the library curation page. Playlists on the left (mapping, schedule, pin, import/export, delete),
/// the selected playlist's tracks on the right (upload, preview, tempo or analysis progress, edit, move, ban). It
/// re-reads the library, the curation and the analysis state whenever one of them reports a change (another admin,
/// a file dropped in by hand, the analysis worker), at most four times a second.
/// </summary>
public sealed partial class LibraryAdminPage : ComponentBase, IDisposable
{
    private static readonly IReadOnlyDictionary<string, StoredAnalysis> NoneStored = new Dictionary<string, StoredAnalysis>();

    private readonly CancellationTokenSource _lifetime = new();
    private IReadOnlyList<PlaylistRow> _playlists = [];
    private IReadOnlyList<TrackRow> _tracks = [];
    private IReadOnlyList<LibraryProblem> _problems = [];
    private IReadOnlyDictionary<string, StoredAnalysis> _stored = NoneStored;
    private string? _selected;
    private string? _pinned;
    private string? _error;
    private string? _curationProblem;
    private bool _storedStale = true;
    private bool _reloading;
    private bool _subscribed;
    private RenderThrottle? _throttle;

    [Inject]
    private ILibraryCurator Curator { get; set; } = default!;

    [Inject]
    private IMusicLibrary Library { get; set; } = default!;

    [Inject]
    private ICurationState Curation { get; set; } = default!;

    [Inject]
    private CurationStore Store { get; set; } = default!;

    [Inject]
    private TrackAnalysisNotifier Analysis { get; set; } = default!;

    [Inject]
    private ITrackAnalysisStatus AnalysisStatus { get; set; } = default!;

    [Inject]
    private IOptions<MusicOptions> Music { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    protected override async Task OnInitializedAsync() => await RefreshAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender || _subscribed)
        {
            return;
        }
        _subscribed = true;
        _throttle = new RenderThrottle(TimeSpan.FromMilliseconds(250), Time,
            () => BackgroundRender.RunAsync(() => InvokeAsync(RefreshAsync), DispatchExceptionAsync));
        Library.Reloaded += OnLibraryReloaded;
        Curation.Changed += OnCurationChanged;
        Analysis.Updated += OnAnalysisUpdated;
        // Prerendering never gets here: the attribute tells a browser (and the E2E test) that the buttons now work.
        StateHasChanged();
    }

    private void OnLibraryReloaded(object? sender, LibrarySnapshot snapshot)
    {
        _storedStale = true;
        _throttle?.Request();
    }

    private void OnCurationChanged(object? sender, CurationSnapshot snapshot) => _throttle?.Request();

    private void OnAnalysisUpdated(TrackAnalysisUpdate update)
    {
        if (update.Phase is TrackAnalysisPhase.Done or TrackAnalysisPhase.Failed)
        {
            _storedStale = true;
        }
        if (_selected is not null && Curator.Library.FindTrack(update.TrackId)?.Playlist == _selected)
        {
            _throttle?.Request();
        }
    }

    /// <summary>Rebuilds every row from the current state (after an action of a child, or a change reported from elsewhere).</summary>
    private async Task RefreshAsync()
    {
        if (_storedStale)
        {
            _storedStale = false;
            _stored = await AnalysisStatus.GetAsync(_lifetime.Token);
        }
        var library = Curator.Library;
        var curation = Curator.Curation;
        _playlists = AdminLibraryRows.Playlists(library, curation);
        _problems = library.Problems.Where(p => p.Kind != LibraryProblemKind.PlaylistMissing).ToList();
        _pinned = curation.PinnedPlaylist;
        _curationProblem = Store.LoadProblem;
        if (_selected is null || library.FindPlaylist(_selected) is null)
        {
            _selected = _playlists.FirstOrDefault()?.Name;
        }
        _tracks = _selected is null
            ? []
            : AdminLibraryRows.Tracks(library, _selected, curation, Analysis, _stored, AnalysisStatus.AnalysesInBackground, Music.Value.TrackUrlPrefix);
        StateHasChanged();
    }

    private async Task SelectAsync(string playlist)
    {
        _selected = playlist;
        await RefreshAsync();
    }

    private async Task ReloadAsync()
    {
        _reloading = true;
        try
        {
            await Curator.ReloadAsync(_lifetime.Token);
            _storedStale = true;
            _error = null;
        }
        catch (CurationException e)
        {
            _error = e.Message;
        }
        finally
        {
            _reloading = false;
        }
        await RefreshAsync();
    }

    private async Task UnpinAsync()
    {
        try
        {
            await Curator.PinAsync(null, _lifetime.Token);
        }
        catch (CurationException e)
        {
            _error = e.Message;
        }
        await RefreshAsync();
    }

    public void Dispose()
    {
        if (_subscribed)
        {
            Library.Reloaded -= OnLibraryReloaded;
            Curation.Changed -= OnCurationChanged;
            Analysis.Updated -= OnAnalysisUpdated;
        }
        _throttle?.Dispose();
        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}
