using BlazorMood.Music.Curation;
using BlazorMood.Web.Curation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace BlazorMood.Web.Components.Pages.Admin.Library;

/// <summary>The playlist table and its actions; each action calls the curator and reports back through <see cref="Changed"/>.</summary>
public sealed partial class PlaylistTable : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private string? _error;
    private ImportOutcome? _import;

    [Parameter]
    [EditorRequired]
    public IReadOnlyList<PlaylistRow> Rows { get; set; } = [];

    [Parameter]
    public string? Selected { get; set; }

    [Parameter]
    public EventCallback<string> SelectedChanged { get; set; }

    /// <summary>Raised after a change succeeded (the page rebuilds its rows).</summary>
    [Parameter]
    public EventCallback Changed { get; set; }

    [Inject]
    private ILibraryCurator Curator { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private IOptions<CurationOptions> Options { get; set; } = default!;

    private sealed record ImportOutcome(string Summary, IReadOnlyList<string> Problems, (string Playlist, byte[] Json)? Retry);

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<PlaylistDialog>("New playlist", new DialogParameters<PlaylistDialog>(),
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: string created })
        {
            await Changed.InvokeAsync();
            await SelectedChanged.InvokeAsync(created);
        }
    }

    private async Task EditAsync(PlaylistRow row)
    {
        var parameters = new DialogParameters<PlaylistDialog> { { d => d.Existing, row } };
        var dialog = await Dialogs.ShowAsync<PlaylistDialog>($"Playlist {row.Name}", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: string name })
        {
            await Changed.InvokeAsync();
            await SelectedChanged.InvokeAsync(name);
        }
    }

    private async Task DeleteAsync(PlaylistRow row)
    {
        var parameters = new DialogParameters<DeletePlaylistDialog>
        {
            { d => d.Playlist, row },
            { d => d.Others, Rows.Select(r => r.Name).Where(n => n != row.Name).ToList() },
        };
        var dialog = await Dialogs.ShowAsync<DeletePlaylistDialog>($"Delete {row.Name}", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false })
        {
            await Changed.InvokeAsync();
        }
    }

    private async Task TogglePinAsync(PlaylistRow row) =>
        await RunAsync(() => Curator.PinAsync(row.Pinned ? null : row.Name, _lifetime.Token));

    private async Task ImportAsync(string playlist, InputFileChangeEventArgs e)
    {
        _import = null;
        byte[] json;
        try
        {
            // A metadata.json is small and bounded; it is kept so that "import the valid entries only" needs no second pick.
            await using var stream = e.File.OpenReadStream(Options.Value.MaxImportBytes, _lifetime.Token);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory, _lifetime.Token);
            json = memory.ToArray();
        }
        catch (IOException ex)
        {
            _error = $"{e.File.Name} could not be read: {ex.Message}";
            return;
        }
        await ImportBytesAsync(playlist, json, skipInvalid: false, e.File.Name);
    }

    private async Task ImportValidOnlyAsync()
    {
        if (_import?.Retry is { } retry)
        {
            await ImportBytesAsync(retry.Playlist, retry.Json, skipInvalid: true, "the file");
        }
    }

    private async Task ImportBytesAsync(string playlist, byte[] json, bool skipInvalid, string name)
    {
        try
        {
            var result = await Curator.ImportMetadataAsync(playlist, new MemoryStream(json), skipInvalid, _lifetime.Token);
            _import = new ImportOutcome(
                $"Imported {result.Entries} entries into {playlist}" + (result.Skipped.Count > 0 ? $"; {result.Skipped.Count} invalid entries skipped:" : "."),
                result.Skipped, null);
            _error = null;
            await Changed.InvokeAsync();
        }
        catch (CurationException ex) when (ex.Error == CurationError.InvalidEntries)
        {
            _import = new ImportOutcome($"{name}: {ex.Message}", ex.Problems, (playlist, json));
        }
        catch (CurationException ex)
        {
            _error = $"{name}: {ex.Message}";
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
        catch (CurationException ex)
        {
            _error = ex.Message;
        }
    }

    internal static Color KindColour(string kind) => kind switch
    {
        "emotion" => Color.Primary,
        "activity" => Color.Secondary,
        "custom" => Color.Info,
        _ => Color.Default,
    };

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}
