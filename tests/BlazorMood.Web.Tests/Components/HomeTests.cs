using Bunit;
using BlazorMood.Video;
using BlazorMood.Web.Components.Pages.Home;
using BlazorMood.Web.Videos;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Components;

public sealed class HomeTests : MudComponentTest
{
    public HomeTests()
    {
        // What the Upload Video tab needs (its own tests drive these; here it only has to render).
        Context.Services.AddSingleton<IVideoJobs>(new FakeVideoJobs());
        Context.Services.AddSingleton<IVideoJobNotifier>(new FakeVideoJobNotifier());
        Context.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new VideoOptions()));
        SignIn("home-user");
    }

    [Fact]
    public void A_kiosk_account_gets_the_live_view_and_the_music_but_no_uploads()
    {
        SignIn("kiosk-device", BlazorMood.Accounts.Roles.Kiosk);

        var cut = Context.Render<Home>();

        var tabs = cut.FindComponents<MudTabPanel>().Select(p => p.Instance.Text ?? "").ToArray();
        Assert.Equal(["Live Emotion", "Recommendations"], tabs);
    }

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
        // Inactive panels are in the DOM too, not only the active one: the live view, the Upload Video tab and the
        // player are rendered together.
        Assert.Single(cut.FindAll("[data-testid=live-emotion]"));
        Assert.Single(cut.FindAll("[data-testid=video-upload]"));
        Assert.Single(cut.FindAll("[data-testid=music-player]"));
    }
}
