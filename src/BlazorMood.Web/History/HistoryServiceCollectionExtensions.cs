namespace BlazorMood.Web.History;

public static class HistoryServiceCollectionExtensions
{
    /// <summary>The History page's data: <see cref="IUserHistory"/> over the database, the video jobs and the recommender's stores.</summary>
    public static IServiceCollection AddHistory(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HistoryOptions>()
            .BindConfiguration(HistoryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IUserHistory, UserHistory>();
        return services;
    }
}
