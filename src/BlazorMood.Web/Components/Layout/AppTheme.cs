using MudBlazor;

namespace BlazorMood.Web.Components.Layout;

/// <summary>The app's dark theme, shared by the main layout and the kiosk layout (a new instance each: themes are mutable).</summary>
public static class AppTheme
{
    public static MudTheme Create() => new()
    {
        PaletteDark = new PaletteDark
        {
            Primary = "#7c4dff",
            Secondary = "#00bfa5",
            AppbarBackground = "#1e1b2e",
            Background = "#15131f",
            Surface = "#1e1b2e",
        },
    };
}
