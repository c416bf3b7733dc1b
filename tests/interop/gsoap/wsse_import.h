/* soapcpp2 input for the gSOAP P_SHA1 oracle: pulls in the WS-Security
   bindings that wsseapi.c (the gSOAP wsse plugin) is compiled against. */
#import "wsse.h"
