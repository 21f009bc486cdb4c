using Bunit;
using BlazorMood.Web.Components.Pages.Home;
using MudBlazor;

namespace BlazorMood.Web.Tests.Components;

public sealed class HomeTests : MudComponentTest
{
    [Fact]
    public void Shows_the_three_feature_tabs_in_order()
    {
        var cut = Context.Render<Home>();

        var tabs = cut.FindComponents<MudTabPanel>().Select(p => p.Instance.Text ?? "").ToArray();

        Assert.Equal(["Live Emotion", "Upload Video", "Recommendations"], tabs);
    }

    [Fact]
    public void Keeps_every_panel_alive_so_a_tab_switch_cannot_stop_the_camera_or_music()
    {
        var cut = Context.Render<Home>();

        Assert.True(cut.FindComponent<MudTabs>().Instance.KeepPanelsAlive);
        // Inactive panels are in the DOM too, not only the active one: the live view and the Upload Video placeholder
        // (until its issue lands) are rendered together.
        Assert.Single(cut.FindAll("[data-testid=live-emotion]"));
        Assert.NotEmpty(cut.FindAll(".tab-placeholder"));
    }
}
