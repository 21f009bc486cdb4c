using BlazorMood.Music.Curation;
using BlazorMood.Web.Curation;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BlazorMood.Web.Components.Pages.Admin.Library;

/// <summary>Creates a playlist or edits one (rename, mapping, dayparts); closes with the playlist's (new) name.</summary>
public sealed partial class PlaylistDialog : ComponentBase
{
    private const string ByName = "by-name";
    private const string ByNameText = "Whatever its folder name says (emotion_… / activity_…)";

    private readonly HashSet<string> _dayparts = new(StringComparer.Ordinal);
    private string _name = "";
    private string _kind = ByName;
    private string? _value;
    private string? _error;
    private bool _busy;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>The playlist being edited; null to create one.</summary>
    [Parameter]
    public PlaylistRow? Existing { get; set; }

    [Inject]
    private ILibraryCurator Curator { get; set; } = default!;

    protected override void OnInitialized()
    {
        if (Existing is { } row)
        {
            _name = row.Name;
            if (row.ContextIsExplicit)
            {
                _kind = row.Context.Kind;
                _value = row.Context.Value;
            }
            _dayparts.UnionWith(row.Dayparts);
        }
    }

    private void KindChanged(string kind)
    {
        // A value chosen for another kind means nothing for this one.
        if (kind != _kind)
        {
            _kind = kind;
            _value = null;
        }
    }

    private void Toggle(string daypart, bool on)
    {
        if (on)
        {
            _dayparts.Add(daypart);
        }
        else
        {
            _dayparts.Remove(daypart);
        }
    }

    private void Cancel() => Dialog.Cancel();

    private async Task SaveAsync()
    {
        _busy = true;
        _error = null;
        try
        {
            var name = _name.Trim();
            PlaylistContext? context = _kind == ByName ? null
                : AdminLibraryRows.TryParseKind(_kind, out var kind) ? new PlaylistContext(kind, _value ?? "")
                : throw new CurationException(CurationError.Invalid, "Choose what the playlist serves.");
            var dayparts = Dayparts.All.Where(_dayparts.Contains).ToList();
            if (Existing is null)
            {
                await Curator.CreatePlaylistAsync(name, context, dayparts, CancellationToken.None);
            }
            else
            {
                // Settings first (they name the playlist as it is), then the rename carries them along.
                await Curator.SetPlaylistSettingsAsync(Existing.Name, context, dayparts, CancellationToken.None);
                if (name != Existing.Name)
                {
                    await Curator.RenamePlaylistAsync(Existing.Name, name, CancellationToken.None);
                }
            }
            Dialog.Close(DialogResult.Ok(name));
        }
        catch (CurationException e)
        {
            _error = e.Message;
        }
        finally
        {
            _busy = false;
        }
    }
}
