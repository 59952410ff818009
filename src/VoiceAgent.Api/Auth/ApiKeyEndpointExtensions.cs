namespace VoiceAgent.Api.Auth;

/// <summary>Puts the API-key check on an endpoint or group.</summary>
public static class ApiKeyEndpointExtensions
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, bool allowQueryToken = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((context, next) =>
        {
            var filter = new ApiKeyFilter(context.ApplicationServices.GetRequiredService<ApiKeyValidator>(), allowQueryToken);
            return invocation => filter.InvokeAsync(invocation, next);
        });
}
