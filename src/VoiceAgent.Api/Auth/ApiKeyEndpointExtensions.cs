namespace VoiceAgent.Api.Auth;

/// <summary>Puts the API-key check on an endpoint or group.</summary>
public static class ApiKeyEndpointExtensions
{
    /// <summary>Any configured key; the caller (<see cref="ApiCaller"/>) is then in the request's features.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, bool allowQueryToken = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddFilter(allowQueryToken, operatorOnly: false);

    /// <summary>A key marked <c>"Operator": true</c>; any other valid key gets 403.</summary>
    public static TBuilder RequireOperatorKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddFilter(allowQueryToken: false, operatorOnly: true);

    private static TBuilder AddFilter<TBuilder>(this TBuilder builder, bool allowQueryToken, bool operatorOnly)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((context, next) =>
        {
            var services = context.ApplicationServices;
            var filter = new ApiKeyFilter(
                services.GetRequiredService<ApiKeyValidator>(),
                services.GetRequiredService<AuthMetrics>(),
                services.GetRequiredService<ILogger<ApiKeyFilter>>(),
                allowQueryToken,
                operatorOnly);
            return invocation => filter.InvokeAsync(invocation, next);
        });
}
