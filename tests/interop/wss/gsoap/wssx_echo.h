/* soapcpp2 input for the gSOAP WS-Security peer (gsoap_peer.c): the WS-Security
   bindings the wsse plugin needs, plus one document/literal operation with a string
   parameter, so that there is a SOAP Body to sign. */
#import "wsse.h"

//gsoap ns service name:      wssxecho
//gsoap ns service namespace: urn:wssx:echo
//gsoap ns service style:     document
//gsoap ns service encoding:  literal
//gsoap ns schema form:       qualified

/* <ns:echo><ns:text>...</ns:text></ns:echo> */
int ns__echo(char *text, char **result);
